package io.ezthrottle.worker.workflow;

import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.Trigger;

/** Stage {@code n} of a job is its n-th nested {@code fallback_job} (stage 0 is the job itself). */
public final class Stages {

    private Stages() {
    }

    /**
     * Whether a stage's final failure starts the {@code next} fallback stage (compat-protocol §2.2, A26): an
     * {@code on_error} trigger with codes starts it only for those final statuses; an empty trigger, empty codes or
     * an {@code on_timeout} trigger start it on any final failure. A transport failure (no status) starts it too.
     */
    public static boolean startsAfterFailure(JobSpec next, Integer finalStatus) {
        if (next == null) {
            return false;
        }
        Trigger trigger = next.trigger();
        return trigger.type() != Trigger.Type.ON_ERROR || trigger.codes().isEmpty() || finalStatus == null
                || trigger.codes().contains(finalStatus);
    }

    /** The spec of a stage, or null when the chain is shorter. */
    public static JobSpec spec(JobSpec root, int stage) {
        JobSpec s = root;
        for (int i = 0; i < stage && s != null; i++) {
            s = s.fallbackJob();
        }
        return s;
    }
}
