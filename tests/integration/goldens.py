#!/usr/bin/python3
"""Golden files: the exact output of a command, kept in
tests/integration/golden/ and compared byte for byte, so that a change of
code that is meant to keep the behaviour is proven to keep it.

Text is compared as printed. JSON is compared as a structure with its key
order (re-printed with an indent of 2, so that a golden file is readable
and a difference shows as lines): cJSON prints the same structure the same
way, so equal structures mean equal bytes.

What changes from run to run (times, ports, round-trip times, certificate
dates) is never left out of the comparison silently: a test names each
volatile field and replaces its value with a placeholder such as <ms>
before comparing, so the field must still be there.

To regenerate after an intended change of output:

    MAILAUTH_GOLDEN=update meson test -C build --suite integration

then read `git diff tests/integration/golden/` line by line before
committing: every difference is a change of behaviour.
"""
import json
import os
import re

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden')
UPDATE = os.environ.get('MAILAUTH_GOLDEN') == 'update'


def mask_text(text, patterns):
    """Replaces each regular expression's matches with its placeholder:
    patterns is a list of (regex, placeholder)."""
    for regex, placeholder in patterns:
        text = re.sub(regex, placeholder, text)
    return text


def mask_json(value, keys, patterns=()):
    """Replaces the values of the keys named in keys ({key: placeholder})
    wherever they stand in the document (a null stays null, so that a
    field that is absent or null is still seen), and masks every string
    with patterns as mask_text() does."""
    if isinstance(value, dict):
        return {k: (keys[k] if k in keys and v is not None else
                    mask_json(v, keys, patterns)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v, keys, patterns) for v in value]
    if isinstance(value, str):
        return mask_text(value, patterns)
    return value


def json_text(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False) + '\n'


def compare(test, name, actual):
    """Asserts that actual equals golden/NAME, or writes it there when
    MAILAUTH_GOLDEN=update."""
    path = os.path.join(DIR, name)
    if UPDATE:
        with open(path, 'w', encoding='utf-8', errors='surrogateescape',
                  newline='') as f:
            f.write(actual)
        return
    if not os.path.exists(path):
        test.fail('no golden file %s: run with MAILAUTH_GOLDEN=update '
                  '(see tests/integration/goldens.py)' % path)
    with open(path, encoding='utf-8', errors='surrogateescape',
              newline='') as f:
        expected = f.read()
    test.maxDiff = None
    test.assertEqual(actual, expected, 'output differs from %s' % path)


def check_text(test, name, result, patterns=()):
    compare(test, name, mask_text(result.out, patterns))


def check_json(test, name, result, keys=None, patterns=()):
    compare(test, name, json_text(mask_json(result.json(), keys or {},
                                            patterns)))
