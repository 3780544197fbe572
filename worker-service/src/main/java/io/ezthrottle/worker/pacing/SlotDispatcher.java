package io.ezthrottle.worker.pacing;

import io.ezthrottle.worker.intake.PendingJob;
import reactor.core.publisher.Mono;

/**
 * Who runs the jobs a lane lets through. A job is got ready <em>before</em> its dispatch slot is reserved and sent
 * the moment the slot comes: the slot is the last gate before the upstream, so bookkeeping latency (which varies
 * with load) cannot squeeze two replicas' calls together at the upstream.
 */
public interface SlotDispatcher {

    /**
     * Gets a job ready to be sent (claims its attempt). Emits {@code false} when it must not be sent (stale,
     * finished, or the bookkeeping failed); the job is then released by the dispatcher and the lane only gives back
     * its in-flight token.
     */
    Mono<Boolean> prepare(PendingJob job);

    /** Sends a prepared job whose slot has come; the dispatcher gives back the in-flight token when done. */
    void send(PendingJob job, String token);
}
