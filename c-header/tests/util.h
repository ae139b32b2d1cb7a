/* Helpers shared by the C test programs. */
#ifndef ACP_TEST_UTIL_H
#define ACP_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "unionpay_acp.h"

extern int test_failures;
extern int test_checks;

/* Records one check; prints `fmt` on failure. */
void check(int ok, const char *fmt, ...);
#define CHECK(cond, ...) check(!!(cond), __VA_ARGS__)

/* Both NULL, or equal strings. */
int str_eq(const char *a, const char *b);

/* The whole file, NUL-terminated (exits on failure). */
char *read_file(const char *path, size_t *len);
/* `dir/rel` read as above. */
char *read_rel(const char *dir, const char *rel, size_t *len);
/* The file parsed as JSON (exits on failure). */
json *load_json(const char *path);

/* Hex to bytes (malloc'd; *len set); never NULL, even for "". */
uint8_t *hex_decode(const char *hex, size_t *len);

/* An acp_kv array over the string members of a JSON object (points into it). */
acp_kv *kv_of(const json *object, size_t *n);

/* Whether `fields` holds exactly the string members of `object`. */
int fields_equal(const acp_fields *fields, const json *object);

/* RFC 3339 UTC ("2017-10-30T14:36:23Z") to Unix seconds. */
int64_t unix_of(const char *rfc3339);

/* The thread's last error message (static buffer). */
const char *last_error(void);

/* The client settings JSON for the local sandbox at `base_url`: merchant 777290058110097,
 * the sandbox's trust (tests/fixtures/sandbox/root.pem, middle.pem) and, with `with_enc`,
 * its encryption certificate (enc.pem). malloc'd. */
char *sandbox_settings(const char *base_url, const char *tests_dir, int with_enc);

/* Prints the summary line and returns the exit code. */
int finish(const char *name);

#endif
