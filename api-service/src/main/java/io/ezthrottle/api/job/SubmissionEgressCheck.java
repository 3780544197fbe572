package io.ezthrottle.api.job;

import java.net.URI;

import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.core.egress.EgressPolicy;
import io.ezthrottle.core.job.JobSpec;
import org.springframework.stereotype.Component;

/**
 * The SSRF guard at submission: every URL of a job tree (upstream, webhooks, fallbacks, follow-ups) whose host is
 * forbidden without resolving a name (IP literals in any spelling, {@code localhost}, metadata names) is refused
 * with 400 naming the field. Names are checked again after DNS, at connect time, by the worker and the webhook
 * dispatcher ({@code GuardedAddressResolverGroup}), which is what defeats DNS rebinding.
 */
@Component
public class SubmissionEgressCheck {

    private final EgressPolicy egress;

    public SubmissionEgressCheck(EgressPolicy egress) {
        this.egress = egress;
    }

    /** Throws a 400 {@link ApiException} for the first forbidden URL of the tree. */
    public void check(JobSpec spec) {
        check(spec, "");
    }

    private void check(JobSpec spec, String path) {
        refuse(spec.url(), path + "url");
        for (int i = 0; i < spec.webhooks().size(); i++) {
            refuse(spec.webhooks().get(i).url(), path + "webhooks[" + i + "].url");
        }
        if (spec.fallbackJob() != null) {
            check(spec.fallbackJob(), path + "fallback_job.");
        }
        if (spec.onSuccess() != null) {
            check(spec.onSuccess(), path + "on_success.");
        }
        if (spec.onFailure() != null) {
            check(spec.onFailure(), path + "on_failure.");
        }
    }

    private void refuse(String url, String field) {
        egress.literalRefusal(URI.create(url).getHost())
                .ifPresent(reason -> {
                    throw ApiException.badRequest(field, field + " " + reason);
                });
    }
}
