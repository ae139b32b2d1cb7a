/* Runs the shared vectors (the JSON files in tests/vectors) through the C API, the way
 * tests/vectors.rs runs them through the Rust API. Usage: test_vectors TESTS_DIR [FILE]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *tests_dir;
static const char *current_file;

typedef void (*case_fn)(const json *group, const json *test);

static long tc_id(const json *t) {
    const json *id = json_get(t, "tcId");
    return id ? (long)id->number : -1;
}

static const char *comment(const json *t) {
    const char *c = json_str(t, "comment");
    return c ? c : "";
}

/* Checks an error against the expected one; returns 1 when the valid outputs should be
 * compared. */
static int expect(const json *t, acp_result rc) {
    if (str_eq(json_str(t, "result"), "valid")) {
        CHECK(rc == ACP_RESULT_OK, "%s tcId %ld (%s): unexpected error %s", current_file, tc_id(t),
              comment(t), last_error());
        return rc == ACP_RESULT_OK;
    }
    const json *code = json_get(t, "errorCode");
    acp_result want = code ? (acp_result)code->number : 0;
    CHECK(rc != ACP_RESULT_OK && rc == want, "%s tcId %ld (%s): expected error %u, got %u %s",
          current_file, tc_id(t), comment(t), want, rc, rc ? last_error() : "");
    const char *step = json_str(t, "errorStep");
    if (step && rc != ACP_RESULT_OK)
        CHECK(str_eq(acp_last_error_step(), step), "%s tcId %ld: step %s, expected %s", current_file,
              tc_id(t), acp_last_error_step() ? acp_last_error_step() : "(none)", step);
    return 0;
}

static void each_test(const char *file, case_fn fn) {
    char path[4096];
    snprintf(path, sizeof path, "%s/vectors/%s", tests_dir, file);
    json *doc = load_json(path);
    const json *groups = json_get(doc, "testGroups");
    const json *expected = json_get(doc, "numberOfTests");
    size_t n = 0;
    current_file = file;
    for (size_t g = 0; groups && g < groups->length; g++) {
        const json *tests = json_get(&groups->items[g], "tests");
        for (size_t i = 0; tests && i < tests->length; i++, n++) fn(&groups->items[g], &tests->items[i]);
    }
    CHECK(expected && n == (size_t)expected->number && n > 0, "%s: ran %zu tests", file, n);
    printf("%s: %zu tests\n", file, n);
    json_free(doc);
}

/* canonical.json: the signing string and its digests. */
static void canonical_case(const json *g, const json *t) {
    (void)g;
    size_t n;
    acp_kv *kv = kv_of(json_get(t, "fields"), &n);
    char *canonical = NULL, *sha256 = NULL, *sha1 = NULL;
    CHECK(acp_canonical_string(kv, n, &canonical) == ACP_RESULT_OK, "canonical: %s", last_error());
    CHECK(str_eq(canonical, json_str(t, "canonical")), "canonical tcId %ld: %s", tc_id(t), canonical);
    if (canonical) {
        const uint8_t *bytes = (const uint8_t *)canonical;
        CHECK(acp_digest_hex("sha256", bytes, strlen(canonical), &sha256) == ACP_RESULT_OK, "sha256");
        CHECK(acp_digest_hex("sha1", bytes, strlen(canonical), &sha1) == ACP_RESULT_OK, "sha1");
        CHECK(str_eq(sha256, json_str(t, "sha256")), "canonical tcId %ld: sha256", tc_id(t));
        CHECK(str_eq(sha1, json_str(t, "sha1")), "canonical tcId %ld: sha1", tc_id(t));
    }
    acp_string_free(canonical);
    acp_string_free(sha256);
    acp_string_free(sha1);
    free(kv);
}

/* sign.json: a PFX group or a secure-key group. */
static void sign_case(const json *g, const json *t) {
    size_t n, pfx_len = 0;
    acp_kv *kv = kv_of(json_get(t, "fields"), &n);
    const char *pfx_file = json_str(g, "pfx");
    char *pfx = pfx_file ? read_rel(tests_dir, pfx_file, &pfx_len) : NULL;
    acp_fields *signed_fields = NULL;
    char *canonical = NULL, *digest = NULL;
    acp_result rc = acp_sign_fields(kv, n, (const uint8_t *)pfx, pfx_len, json_str(g, "password"),
                                    pfx ? NULL : json_str(g, "secureKey"), &signed_fields,
                                    &canonical, &digest);
    if (expect(t, rc)) {
        CHECK(str_eq(canonical, json_str(t, "canonical")), "sign tcId %ld: canonical", tc_id(t));
        CHECK(str_eq(digest, json_str(t, "digestHex")), "sign tcId %ld: digest", tc_id(t));
        CHECK(str_eq(acp_fields_get(signed_fields, "signature"), json_str(t, "signature")),
              "sign tcId %ld: signature", tc_id(t));
        CHECK(fields_equal(signed_fields, json_get(t, "signedFields")), "sign tcId %ld: signed fields",
              tc_id(t));
    } else {
        CHECK(!signed_fields && !canonical && !digest, "sign tcId %ld: outputs written on failure", tc_id(t));
    }
    acp_fields_free(signed_fields);
    acp_string_free(canonical);
    acp_string_free(digest);
    free(pfx);
    free(kv);
}

/* Two JSON objects with the same string members (in any order). */
static int objects_equal(const json *a, const json *b) {
    if (!a || !b || a->length != b->length) return 0;
    for (size_t i = 0; i < a->length; i++)
        if (!str_eq(json_str(b, a->keys[i]), a->items[i].string)) return 0;
    return 1;
}

/* Appends the files of the group's list `key` as JSON strings: ["PEM", …]. */
static void append_files(char *buf, size_t cap, const json *g, const char *key) {
    const json *a = json_get(g, key);
    strncat(buf, "[", cap - strlen(buf) - 1);
    for (size_t i = 0; a && i < a->length; i++) {
        char *pem = read_rel(tests_dir, a->items[i].string, NULL);
        char *quoted = json_quote(pem);
        if (i) strncat(buf, ", ", cap - strlen(buf) - 1);
        strncat(buf, quoted, cap - strlen(buf) - 1);
        free(quoted);
        free(pem);
    }
    strncat(buf, "]", cap - strlen(buf) - 1);
}

/* verify.json: a fresh verifier per case (its settings JSON from the group), used twice
 * (the second hits the cache). */
static acp_verifier *verifier_for(const json *g) {
    static char settings[65536];
    const char *trust = json_str(g, "trust");
    snprintf(settings, sizeof settings, "{\"trust\": ");
    if (str_eq(trust, "custom")) {
        strcat(settings, "{\"roots\": ");
        append_files(settings, sizeof settings, g, "roots");
        strcat(settings, ", \"middles\": ");
        append_files(settings, sizeof settings, g, "middles");
        strcat(settings, "}");
    } else {
        strcat(settings, str_eq(trust, "production") ? "\"production\"" : "\"test\"");
    }
    if (json_get(g, "verifyCerts")) {
        strncat(settings, ", \"verifyCerts500\": ", sizeof settings - strlen(settings) - 1);
        append_files(settings, sizeof settings, g, "verifyCerts");
    }
    if (json_str(g, "secureKey")) {
        char *key = json_quote(json_str(g, "secureKey"));
        strncat(settings, ", \"verifySecureKey\": ", sizeof settings - strlen(settings) - 1);
        strncat(settings, key, sizeof settings - strlen(settings) - 1);
        free(key);
    }
    strncat(settings, "}", sizeof settings - strlen(settings) - 1);
    CHECK(strlen(settings) + 1 < sizeof settings, "the verifier settings fit");
    acp_verifier *v = NULL;
    CHECK(acp_verifier_new(settings, &v) == ACP_RESULT_OK, "verifier: %s", last_error());
    return v;
}

static void verify_case(const json *g, const json *t) {
    acp_verifier *v = verifier_for(g);
    int64_t now = unix_of(json_str(t, "now"));
    const char *kind = json_str(t, "bodyKind");
    for (int round = 0; round < 2; round++) {
        acp_fields *fields = NULL;
        acp_result rc;
        if (str_eq(kind, "fields")) {
            size_t n;
            acp_kv *kv = kv_of(json_get(t, "input"), &n);
            rc = acp_verifier_verify_fields(v, kv, n, now);
            free(kv);
            if (expect(t, rc))
                CHECK(objects_equal(json_get(t, "input"), json_get(t, "fields")), "verify tcId %ld: fields",
                      tc_id(t));
        } else {
            const char *input = json_str(t, "input");
            uint32_t k = str_eq(kind, "sync") ? ACP_BODY_SYNC : ACP_BODY_NOTIFY;
            rc = acp_verifier_verify(v, k, (const uint8_t *)input, strlen(input), now, &fields);
            if (expect(t, rc))
                CHECK(fields_equal(fields, json_get(t, "fields")), "verify tcId %ld: fields", tc_id(t));
            else
                CHECK(fields == NULL, "verify tcId %ld: output written on failure", tc_id(t));
        }
        acp_fields_free(fields);
    }
    acp_verifier_free(v);
}

/* encrypt.json: fixed random streams give fixed ciphertexts. */
static void encrypt_case(const json *g, const json *t) {
    size_t cert_len, plain_len, random_len;
    char *cert = read_rel(tests_dir, json_str(g, "cert"), &cert_len);
    acp_fields *info = NULL;
    CHECK(acp_certificate_inspect((const uint8_t *)cert, cert_len, NULL, &info) == ACP_RESULT_OK,
          "inspect: %s", last_error());
    CHECK(str_eq(acp_fields_get(info, "certId"), json_str(g, "encryptCertId")), "encrypt: certId");
    acp_fields_free(info);
    uint8_t *plain;
    if (json_str(t, "plaintextHex")) {
        plain = hex_decode(json_str(t, "plaintextHex"), &plain_len);
    } else {
        plain_len = strlen(json_str(t, "plaintext"));
        plain = malloc(plain_len + 1);
        memcpy(plain, json_str(t, "plaintext"), plain_len + 1);
    }
    uint8_t *random = hex_decode(json_str(t, "random"), &random_len);
    char *ct = NULL;
    /* The vectors' fixed padding goes through the danger entry point; cases without it
     * fail before any padding is drawn, through the ordinary one. */
    acp_result rc = random_len ? acp_danger_encrypt_with_random((const uint8_t *)cert, cert_len, plain, plain_len,
                                                                random, random_len, &ct)
                               : acp_encrypt((const uint8_t *)cert, cert_len, plain, plain_len, &ct);
    if (expect(t, rc)) CHECK(str_eq(ct, json_str(t, "ciphertext")), "encrypt tcId %ld: ciphertext", tc_id(t));
    acp_string_free(ct);
    free(random);
    free(plain);
    free(cert);
}

/* customer_info.json: customerInfo values and PIN blocks. */
static void customer_info_case(const json *g, const json *t) {
    if (str_eq(json_str(g, "operation"), "pinBlock")) {
        uint8_t block[8];
        char hex[17];
        acp_result rc = acp_pin_block(json_str(t, "pin"), json_str(t, "pan"), block, sizeof block);
        if (expect(t, rc)) {
            for (int i = 0; i < 8; i++) snprintf(hex + 2 * i, 3, "%02X", block[i]);
            CHECK(str_eq(hex, json_str(t, "pinBlockHex")), "pin block tcId %ld: %s", tc_id(t), hex);
        }
        return;
    }
    size_t cert_len, random_len, n;
    char *cert = read_rel(tests_dir, json_str(g, "cert"), &cert_len);
    uint8_t *random = hex_decode(json_str(t, "random"), &random_len);
    acp_kv *kv = kv_of(json_get(t, "customerInfo"), &n);
    for (size_t i = 0; i < n; i++)
        if (str_eq(kv[i].key, "pin")) kv[i].key = "encryptedPin"; /* the vectors' pin is encrypted */
    char *value = NULL;
    const char *mode = str_eq(json_str(t, "mode"), "plain") ? "plain" : "encrypted";
    acp_result rc = random_len ? acp_danger_customer_info_build_with_random(kv, n, mode, (const uint8_t *)cert,
                                                                            cert_len, random, random_len, &value)
                               : acp_customer_info_build(kv, n, mode, (const uint8_t *)cert, cert_len, &value);
    if (expect(t, rc)) CHECK(str_eq(value, json_str(t, "value")), "customer info tcId %ld: value", tc_id(t));
    acp_string_free(value);
    free(kv);
    free(random);
    free(cert);
}

/* decrypt.json: through a client holding the group's PFX. */
static const json *decrypt_group;
static acp_client *decrypt_client;

static void decrypt_case(const json *g, const json *t) {
    if (g != decrypt_group) {
        size_t pfx_len;
        char *pfx = read_rel(tests_dir, json_str(g, "pfx"), &pfx_len);
        const char *settings = "{\"merId\": \"777290058110097\", \"environment\": \"test\", \"trust\": \"test\"}";
        acp_client_free(decrypt_client);
        decrypt_client = NULL;
        CHECK(acp_client_new(settings, (const uint8_t *)pfx, pfx_len, json_str(g, "password"), &decrypt_client) ==
                  ACP_RESULT_OK,
              "decrypt client: %s", last_error());
        free(pfx);
        decrypt_group = g;
    }
    char *plain = NULL;
    acp_result rc = acp_client_decrypt(decrypt_client, json_str(t, "ciphertext"), &plain);
    if (expect(t, rc)) CHECK(str_eq(plain, json_str(t, "plaintext")), "decrypt tcId %ld: plaintext", tc_id(t));
    acp_string_free(plain);
}

/* pkcs12.json: every PFX of the fixtures. */
static void pkcs12_case(const json *g, const json *t) {
    (void)g;
    size_t len;
    char *pfx = read_rel(tests_dir, json_str(t, "file"), &len);
    acp_fields *info = NULL;
    acp_result rc = acp_certificate_inspect((const uint8_t *)pfx, len, json_str(t, "password"), &info);
    if (expect(t, rc)) {
        char bits[32];
        const json *kb = json_get(t, "keyBits");
        snprintf(bits, sizeof bits, "%.0f", kb ? kb->number : -1.0);
        const char *keys[] = {"certId", "subject", "notBefore", "notAfter", "modulusSha256"};
        for (int i = 0; i < 5; i++)
            CHECK(str_eq(acp_fields_get(info, keys[i]), json_str(t, keys[i])), "pkcs12 tcId %ld: %s = %s",
                  tc_id(t), keys[i], acp_fields_get(info, keys[i]));
        CHECK(str_eq(acp_fields_get(info, "keyBits"), bits), "pkcs12 tcId %ld: keyBits", tc_id(t));
    }
    acp_fields_free(info);
    free(pfx);
}

/* forms.json: parsing sync and notify bodies, encoding requests. */
static void forms_case(const json *g, const json *t) {
    const char *op = json_str(g, "operation");
    if (str_eq(op, "parseSync") || str_eq(op, "parseNotify")) {
        size_t len;
        uint8_t *input;
        if (json_str(t, "inputHex")) {
            input = hex_decode(json_str(t, "inputHex"), &len);
        } else {
            len = strlen(json_str(t, "input"));
            input = malloc(len + 1);
            memcpy(input, json_str(t, "input"), len + 1);
        }
        acp_fields *fields = NULL;
        acp_result rc = acp_danger_form_parse(str_eq(op, "parseSync") ? ACP_BODY_SYNC : ACP_BODY_NOTIFY, input, len, &fields);
        if (expect(t, rc)) CHECK(fields_equal(fields, json_get(t, "fields")), "forms tcId %ld: fields", tc_id(t));
        acp_fields_free(fields);
        free(input);
        return;
    }
    size_t n;
    acp_kv *kv = kv_of(json_get(t, "fields"), &n);
    char *body = NULL;
    CHECK(acp_form_encode(kv, n, &body) == ACP_RESULT_OK, "encode: %s", last_error());
    CHECK(str_eq(body, json_str(t, "body")), "forms tcId %ld: body %s", tc_id(t), body);
    acp_string_free(body);
    free(kv);
}

int main(int argc, char **argv) {
    static const struct {
        const char *file;
        case_fn fn;
    } files[] = {
        {"canonical.json", canonical_case}, {"sign.json", sign_case},
        {"verify.json", verify_case},       {"encrypt.json", encrypt_case},
        {"customer_info.json", customer_info_case}, {"decrypt.json", decrypt_case},
        {"pkcs12.json", pkcs12_case},       {"forms.json", forms_case},
    };
    if (argc < 2) {
        fprintf(stderr, "usage: %s TESTS_DIR [canonical|sign|verify|encrypt|customer_info|decrypt|pkcs12|forms]\n", argv[0]);
        return 2;
    }
    tests_dir = argv[1];
    int ran = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t stem = strlen(files[i].file) - strlen(".json");
        if (argc > 2 && (strlen(argv[2]) != stem || strncmp(argv[2], files[i].file, stem))) continue;
        each_test(files[i].file, files[i].fn);
        ran++;
    }
    acp_client_free(decrypt_client);
    CHECK(ran > 0, "no vector file named %s", argc > 2 ? argv[2] : "");
    return finish("vectors");
}
