/* JSON values made from DNS data and counts (src/report/json.h): strings are
 * valid, visible UTF-8 whatever the bytes; whole numbers print as
 * integers, others as cJSON prints them. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "report/json.h"

static char *
printed(cJSON *obj)
{
	char *text = cJSON_PrintUnformatted(obj);

	cJSON_Delete(obj);
	return text;
}

Test(json, numbers)
{
	cJSON *obj = cJSON_CreateObject();
	char *text;

	json_add_num(obj, "count", 10);
	json_add_num(obj, "neg", -3);
	json_add_num(obj, "big", 9007199254740991.0);
	json_add_num(obj, "huge", 1e300);
	json_add_num(obj, "ms", 1.25);
	text = printed(obj);
	cr_assert_str_eq(text, "{\"count\":10,\"neg\":-3,"
	    "\"big\":9007199254740991,\"huge\":1e+300,\"ms\":1.25}");
	free(text);
}

Test(json, dns_bytes_become_visible_utf8)
{
	cJSON *obj = cJSON_CreateObject();
	char *text;

	cJSON_AddItemToObject(obj, "s", json_bytes("a\0b\x1b[31m\xff", 9));
	text = printed(obj);
	cr_assert_str_eq(text, "{\"s\":\"a\\\\x00b\\\\x1b[31m\\\\xff\"}");
	free(text);
}
