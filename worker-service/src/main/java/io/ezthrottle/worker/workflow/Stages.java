package io.ezthrottle.worker.workflow;

import io.ezthrottle.core.job.JobSpec;

/** Stage {@code n} of a job is its n-th nested {@code fallback_job} (stage 0 is the job itself). */
public final class Stages {

    private Stages() {
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
