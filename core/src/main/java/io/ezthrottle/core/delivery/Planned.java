package io.ezthrottle.core.delivery;

import java.util.List;

/**
 * What planning one finished job's delivery did.
 *
 * @param attempts the attempts to make now (already claimed by the caller); empty when there is nothing to send
 * @param held     a live stream carries the outcome (compat-protocol §1.7): nothing was planned, and the result
 *                 entry must stay unacknowledged so it is looked at again (the stream may still hand it back)
 */
public record Planned(List<PendingAttempt> attempts, boolean held) {

    public Planned {
        attempts = List.copyOf(attempts);
    }

    static final Planned NOTHING = new Planned(List.of(), false);
    static final Planned HELD = new Planned(List.of(), true);
}
