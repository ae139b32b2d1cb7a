/* Every code of the catalogue (errors.json) is known to acp_error_kind and acp_error_name
 * with the same kind and name, and a few header constants carry the catalogue numbers.
 * Usage: test_errors ERRORS_JSON. */
#include <stdio.h>

#include "util.h"

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s errors.json\n", argv[0]);
        return 2;
    }
    json *codes = load_json(argv[1]);
    CHECK(codes->type == JSON_ARRAY && codes->length > 30, "errors.json is a list of codes");
    for (size_t i = 0; i < codes->length; i++) {
        const json *c = &codes->items[i];
        const json *num = json_get(c, "code");
        acp_result code = num ? (acp_result)num->number : 0;
        CHECK(str_eq(acp_error_kind(code), json_str(c, "kind")), "code %u: kind %s, catalogue says %s", code,
              acp_error_kind(code), json_str(c, "kind"));
        CHECK(str_eq(acp_error_name(code), json_str(c, "name")), "code %u: name %s, catalogue says %s", code,
              acp_error_name(code), json_str(c, "name"));
    }
    printf("errors.json: %zu codes\n", codes->length);
    json_free(codes);
    CHECK(acp_error_kind(ACP_RESULT_OK) == NULL && acp_error_name(ACP_RESULT_OK) == NULL, "0 is not an error");
    CHECK(acp_error_kind(1999) == NULL && acp_error_name(123456) == NULL, "unknown numbers are unknown");
    CHECK(ACP_RESULT_NULL_POINTER == 1009 && ACP_RESULT_BUFFER_TOO_SMALL == 1010 &&
              ACP_RESULT_INVALID_HANDLE == 1011 && ACP_RESULT_NOT_UTF8 == 4003 &&
              ACP_RESULT_SIGNATURE_MISMATCH == 3007 && ACP_RESULT_BUG == 9999,
          "header constants");
    CHECK(str_eq(acp_error_name(ACP_RESULT_PKCS12_WRONG_PASSWORD), "Pkcs12WrongPassword"), "constant name");
    return finish("errors");
}
