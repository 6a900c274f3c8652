#!/usr/bin/python3
"""The command list and every option in --help also appear in the man
page, the bash, zsh and fish completions and the README: one source of
truth (the binary's tables), checked here so they cannot drift."""
import glob
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, mailauth  # noqa: E402

DOCS = {
    'man': os.path.join(ROOT, 'man', 'mailauth.1.scd'),
    'bash': os.path.join(ROOT, 'completions', 'bash', 'mailauth'),
    'zsh': os.path.join(ROOT, 'completions', 'zsh', '_mailauth'),
    'fish': os.path.join(ROOT, 'completions', 'fish', 'mailauth.fish'),
    'readme': os.path.join(ROOT, 'README.md'),
}


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def commands():
    out = mailauth('--help').out
    block = out.split('Commands:')[1].split('\n\n')[0]
    return [line.split()[0] for line in block.strip().splitlines()]


def long_options(help_text):
    return sorted(set(re.findall(r'(?<![\w-])--([a-z][a-z0-9-]+)',
                                 help_text)))


class Docs(unittest.TestCase):
    def test_every_command_is_documented_and_completed(self):
        cmds = commands()
        self.assertIn('spf', cmds)
        for name, path in DOCS.items():
            text = read(path)
            for cmd in cmds:
                self.assertRegex(text, r'\b%s\b' % re.escape(cmd),
                                 '%s is missing from %s' % (cmd, name))

    def test_every_option_is_documented_and_completed(self):
        helps = [mailauth('--help').out] + \
            [mailauth(cmd, '--help').out for cmd in commands()]
        options = set()
        for h in helps:
            options.update(long_options(h))
        for name, path in DOCS.items():
            if name == 'readme':
                continue
            text = read(path).replace('\\\\-', '-').replace('\\\\_', '_')
            for opt in options:
                if name == 'man':
                    found = re.search(r'\*--%s\*' % re.escape(opt), text)
                else:
                    found = re.search(r'(?<![\w-])(--)?%s(?![\w-])' %
                                      re.escape(opt), text)
                self.assertTrue(found, '--%s is missing from %s' %
                                (opt, name))


    def test_common_dkim_selectors_are_in_the_man_page(self):
        with open(os.path.join(ROOT, 'src', 'dkim', 'selectors.c')) as f:
            src = f.read()
        table = src[src.index('dkim_common_selectors[] = {'):]
        table = table[:table.index('};')]
        man = read(DOCS['man']).replace('\\_', '_')
        for sel in re.findall(r'"([^"]+)"', table):
            self.assertIn('*%s*' % sel, man, sel)

    def test_every_finding_code_is_in_the_man_page(self):
        man = read(DOCS['man']).replace('\\_', '_')
        for path in glob.glob(os.path.join(ROOT, 'src', '**', '*.c'),
                              recursive=True):
            src = read(path)
            for code in re.findall(r'FINDING_[A-Z]+,\s*"([a-z0-9-]+)"',
                                   src):
                self.assertTrue('*%s*' % code in man,
                                '%s (%s) is missing from the man page' %
                                (code, path))


if __name__ == '__main__':
    unittest.main(verbosity=2)
