package io.ezthrottle.admin.queues;

/**
 * One overflow stream, named from its key {@code <prefix>:ovf:{<destination>}:<account>} (see
 * {@code RedisKeys#overflow}): where a destination's jobs wait in Redis while the workers' lanes are full.
 *
 * @param key         the stream's key
 * @param destination the destination it holds jobs for
 * @param account     the account queue ({@code shared} unless the destination is in account-queue mode, then a
 *                    hash of tenant, user and upstream key)
 */
public record OverflowStream(String key, String destination, String account) {

    /** The stream a key names, or null when the key is not an overflow stream's. */
    public static OverflowStream parse(String key) {
        int open = key.indexOf(":ovf:{");
        if (open < 0) {
            return null;
        }
        int close = key.indexOf("}:", open);
        if (close < 0) {
            return null;
        }
        return new OverflowStream(key, key.substring(open + 6, close), key.substring(close + 2));
    }
}
