/* A small JSON reader for the test suite: enough for the vector files, errors.json, the
 * conformance scenarios and the library's JSON (objects, arrays, strings with every
 * escape, numbers, true/false/null). */
#ifndef ACP_TEST_JSON_H
#define ACP_TEST_JSON_H

#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json {
    json_type type;
    int boolean;
    double number;
    char *string;         /* JSON_STRING: NUL-terminated UTF-8 */
    size_t length;        /* JSON_STRING: bytes; JSON_ARRAY / JSON_OBJECT: members */
    struct json *items;   /* JSON_ARRAY / JSON_OBJECT: values */
    char **keys;          /* JSON_OBJECT: keys, in document order */
} json;

/* Parses `len` bytes; NULL (with a message on stderr) when malformed. */
json *json_parse(const char *text, size_t len);
void json_free(json *value);

/* Member `key` of an object, or NULL. */
const json *json_get(const json *object, const char *key);
/* The string member `key`, or NULL when absent or not a string. */
const char *json_str(const json *object, const char *key);

/* Deep equality (object members in any order); NULL is JSON null. */
int json_equal(const json *a, const json *b);
/* `s` as a JSON string literal, quotes included (malloc'd; NULL when out of memory). */
char *json_quote(const char *s);

#endif
