package io.ezthrottle.core.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API keys: generated with 192 bits of randomness, shown once, stored only as their SHA-256. A fast hash is the
 * right tool here (unlike for passwords): the keys are long random strings, so they cannot be guessed offline.
 */
public final class ApiKeys {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread: looking the algorithm up for every request (twice per submission) showed in profiles. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final SecureRandom random = new SecureRandom();

    /** A new key of the shape {@code ezt_live_<32 base62 chars>}. */
    public String generate() {
        StringBuilder sb = new StringBuilder("ezt_live_");
        for (int i = 0; i < 32; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    public static String hash(String apiKey) {
        return sha256Hex(apiKey);
    }

    /** The first characters of a key, safe to show in lists. */
    public static String prefix(String apiKey) {
        return apiKey.substring(0, Math.min(apiKey.length(), 12));
    }

    public static String sha256Hex(String text) {
        MessageDigest digest = SHA_256.get();
        digest.reset();
        return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

}
