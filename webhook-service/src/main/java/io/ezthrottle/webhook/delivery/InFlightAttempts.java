package io.ezthrottle.webhook.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The attempts in progress in this replica, capped at {@code max-in-flight}, with room that can be reserved ahead
 * and waited for. The results reader reserves room before it reads, and reads no more than it reserved: reading
 * without room meant planning results only to hand their attempts back to the schedule (a defer script, then a
 * claim script and a read of the delivery per attempt), the costliest path an attempt could take at thousands of
 * results per second; unread results stay in the stream, where any replica with room takes them.
 */
final class InFlightAttempts {

    private final int max;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicReference<Waiter> waiter = new AtomicReference<>();

    InFlightAttempts(int max) {
        this.max = max;
    }

    /** A reader waiting for room for at least {@code wanted} attempts. */
    private record Waiter(int wanted, Sinks.One<Boolean> room) {
    }

    /** Places taken, reserved ones included. */
    int count() {
        return count.get();
    }

    /** Free places now. */
    int room() {
        return Math.max(0, max - count.get());
    }

    /** Takes one place if there is one. */
    boolean tryTake() {
        if (count.incrementAndGet() > max) {
            release(1);
            return false;
        }
        return true;
    }

    /** Takes as many free places as there are, up to {@code most}; returns how many it took. */
    int takeUpTo(int most) {
        int before = count.getAndUpdate(n -> n + Math.max(0, Math.min(most, max - n)));
        return Math.max(0, Math.min(most, max - before));
    }

    void release(int n) {
        if (n > 0) {
            count.addAndGet(-n);
            wake();
        }
    }

    /**
     * Once there is room for at least {@code wanted} attempts (at once when there is), reserves up to {@code most}
     * places; after {@code patience} without that room, emits a reservation of none. One waiter at a time: only the
     * results reader waits.
     */
    Mono<Reservation> reserve(int wanted, int most, Duration patience) {
        return Mono.defer(() -> {
                    if (room() >= wanted) {
                        return Mono.just(Boolean.TRUE);
                    }
                    Waiter w = new Waiter(wanted, Sinks.one());
                    waiter.set(w);
                    wake(); // attempts may have ended between the check and the registration
                    return w.room().asMono();
                })
                // The places are taken after the wait, never in it, so a wake-up racing the timeout loses nothing.
                .timeout(patience, Mono.just(Boolean.FALSE))
                .map(roomy -> {
                    return new Reservation(roomy ? takeUpTo(most) : 0);
                });
    }

    /** Wakes the waiter when the room it wants is there; the compare-and-set makes sure it is woken once. */
    private void wake() {
        Waiter w = waiter.get();
        if (w != null) {
            int now = room();
            if (now >= w.wanted() && waiter.compareAndSet(w, null)) {
                w.room().tryEmitValue(Boolean.TRUE);
            }
        }
    }

    /** Places taken ahead for attempts not known yet; whatever is not used must be given back with {@link #end()}. */
    final class Reservation {

        private final AtomicInteger left;

        private final int places;

        private Reservation(int places) {
            this.places = places;
            this.left = new AtomicInteger(places);
        }

        /** Places reserved at the start. */
        int places() {
            return places;
        }

        /** Uses one reserved place if one is left, otherwise takes a free one if there is one. */
        boolean use() {
            return left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0 || tryTake();
        }

        /** Gives back the places not used. */
        void end() {
            release(left.getAndSet(0));
        }
    }

    /** A reservation of no places, for attempts that were not read against one. */
    Reservation none() {
        return new Reservation(0);
    }
}
