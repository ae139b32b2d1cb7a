package example;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import unionpay.acp.AcpClient;
import unionpay.acp.SettingsKt;
import uniffi.acp_core.OutgoingRequest;
import uniffi.acp_core.Outcome;
import uniffi.unionpay_acp_ffi.Credentials;
import uniffi.unionpay_acp_ffi.MerchantKey;

/**
 * The quick start from plain Java: the client's sans-IO calls (build, handleResponse) with
 * java.net.http doing the POSTs. Opens a card, pays 10.00 with the token, queries until paid.
 * Arguments: SANDBOX_URL FIXTURES_DIR.
 */
public final class QuickStart {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Outcome send(AcpClient client, OutgoingRequest request) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create(request.getUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(request.getBody()))
                .build();
        return client.handleResponse(request, HTTP.send(post, HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    private static Map<String, Object> fields(Map<String, Object> base, Object... more) {
        Map<String, Object> out = new HashMap<>(base);
        for (int i = 0; i < more.length; i += 2) out.put((String) more[i], more[i + 1]);
        return out;
    }

    public static void main(String[] args) throws Exception {
        String sandbox = args[0];
        Path fixtures = Path.of(args[1]);
        String pems = HTTP.send(HttpRequest.newBuilder(URI.create(sandbox + "/_sandbox/trust")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<String> certs = new ArrayList<>();
        Matcher m = Pattern.compile("-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", Pattern.DOTALL).matcher(pems);
        while (m.find()) certs.add(m.group());

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("merId", "777290058110097");
        settings.put("environment", Map.of("baseUrl", sandbox));
        settings.put("trust", Map.of("roots", List.of(certs.get(0)), "middles", List.of(certs.get(1))));
        settings.put("encryptionCert", Files.readAllBytes(fixtures.resolve("enc.pem")));
        MerchantKey key = MerchantKey.Companion.fromPkcs12(Files.readAllBytes(fixtures.resolve("merchant.pfx")), "000000", null);
        AcpClient client = new AcpClient(SettingsKt.settingsJson(settings), Credentials.Companion.rsa(key), null,
                Instant::now, Duration.ofSeconds(30));

        String run = Long.toHexString(System.nanoTime());
        Map<String, Object> card = Map.of("accNo", "6221558812340000", "phoneNo", "13552535506", "cvn2", "123", "expired", "2311");
        OutgoingRequest sms = client.build("sms_open", fields(card, "orderId", "OPEN" + run));
        send(client, sms);
        OutgoingRequest open = client.build("back_open",
                fields(card, "orderId", "OPEN" + run, "txnTime", sms.getTxnTime(), "smsCode", "111111"));
        String token = send(client, open).response().tokenPayData().getToken();

        OutgoingRequest paySms = client.build("sms_consume", Map.of("orderId", "PAY" + run, "token", token, "txnAmt", 1000));
        send(client, paySms);
        OutgoingRequest consume = client.build("consume", Map.of("orderId", "PAY" + run, "txnTime", paySms.getTxnTime(),
                "txnAmt", 1000, "token", token, "smsCode", "111111", "backUrl", sandbox + "/_sandbox/sink"));
        System.out.println("java: consume " + send(client, consume).name());
        for (int attempt = 1; attempt <= 30; attempt++) {
            Thread.sleep(1000);
            Outcome status = send(client, client.buildQueryFor(consume, attempt));
            if (status instanceof Outcome.Success) {
                System.out.println("java: paid PAY" + run + ", status " + status.name() + " " + status.decisiveCode());
                return;
            }
        }
        throw new IllegalStateException("the payment was not final after 30 queries");
    }
}
