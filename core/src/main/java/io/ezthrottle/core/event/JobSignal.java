package io.ezthrottle.core.event;

/**
 * A nudge that something happened to a job. Signals travel over Redis pub/sub and may be lost (a subscriber that
 * was reconnecting misses them), so a listener treats one as "look at the job record now", never as the state
 * itself. Only {@link Type#POSITION} carries data that is not in the record.
 *
 * @param type     what happened
 * @param jobId    the job
 * @param position for {@link Type#POSITION}: place in its queue, 1 = next; otherwise 0
 */
public record JobSignal(Type type, String jobId, long position) {

    /** Kinds of signal. */
    public enum Type {
        /** A worker started the upstream request. */
        DISPATCHING('D'),
        /** The job reached a terminal state (its record holds the outcome). */
        FINISHED('F'),
        /** The job is still waiting; {@link JobSignal#position()} is its place in the queue. */
        POSITION('P');

        private final char code;

        Type(char code) {
            this.code = code;
        }

        static Type of(char code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    public static JobSignal dispatching(String jobId) {
        return new JobSignal(Type.DISPATCHING, jobId, 0);
    }

    public static JobSignal finished(String jobId) {
        return new JobSignal(Type.FINISHED, jobId, 0);
    }

    /** Wire form on the channel: {@code <code>|<job id>[|<position>]}, short because every job publishes twice. */
    public String encode() {
        return type == Type.POSITION ? type.code + "|" + jobId + "|" + position : type.code + "|" + jobId;
    }

    /** The signal in {@code message}, or null when it is not one (other versions may add kinds). */
    static JobSignal decode(String message) {
        if (message == null || message.length() < 3 || message.charAt(1) != '|') {
            return null;
        }
        Type type = Type.of(message.charAt(0));
        if (type == null) {
            return null;
        }
        String rest = message.substring(2);
        if (type != Type.POSITION) {
            return new JobSignal(type, rest, 0);
        }
        int bar = rest.lastIndexOf('|');
        if (bar < 0) {
            return null;
        }
        try {
            return new JobSignal(type, rest.substring(0, bar), Long.parseLong(rest.substring(bar + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
