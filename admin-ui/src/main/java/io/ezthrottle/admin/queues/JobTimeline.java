package io.ezthrottle.admin.queues;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.ezthrottle.core.delivery.DeliveryView;
import io.ezthrottle.core.queue.AttemptId;

/**
 * A job's history as its records tell it: the job hash (created, stage starts, one state per attempt, outcome,
 * follow-ups) and its webhook delivery (one line per webhook with attempts and last answer).
 *
 * @param jobId     the job
 * @param fields    what the job hash holds, or empty when it expired
 * @param delivery  its webhook delivery, or null when none was planned (yet) or it expired
 */
public record JobTimeline(String jobId, Map<String, String> fields, DeliveryView delivery) {

    public boolean found() {
        return !fields.isEmpty() || delivery != null;
    }

    public String tenantId() {
        return fields.getOrDefault("tenant", delivery == null ? null : delivery.tenantId());
    }

    public String state() {
        return fields.get("state");
    }

    /** Points in time the record holds, oldest first. */
    public List<Moment> moments() {
        List<Moment> moments = new ArrayList<>();
        long created = parse(fields.get("created_at"));
        if (created > 0) {
            moments.add(new Moment(created, "queued", "accepted and put on the stream"));
        }
        fields.forEach((k, v) -> {
            if (k.startsWith("stage_started:")) {
                String stage = k.substring("stage_started:".length());
                moments.add(new Moment(parse(v), "stage " + stage + " started", "0".equals(stage) ? "the job itself"
                        : "fallback stage " + stage));
            }
        });
        String state = state();
        long updated = parse(fields.get("updated_at"));
        if (state != null && updated > 0) {
            String detail = switch (state) {
                case "completed" -> "upstream answered " + fields.getOrDefault("status_code", "?")
                        + (fields.containsKey("won_attempt") ? " (attempt " + fields.get("won_attempt") + ")" : "");
                case "failed" -> fields.getOrDefault("error", "failed")
                        + (fields.containsKey("status_code") ? " (last status " + fields.get("status_code") + ")" : "");
                default -> "last change";
            };
            moments.add(new Moment(updated, state, detail));
        }
        if (delivery != null) {
            moments.add(new Moment(delivery.createdAt(), "webhooks planned", delivery.targets().size() + " webhook(s), "
                    + delivery.votesNeeded() + " vote(s) needed"));
            delivery.targets().stream().filter(t -> t.deliveredAt() > 0).forEach(t ->
                    moments.add(new Moment(t.deliveredAt(), "webhook delivered", t.url() + " answered " + t.lastStatus())));
            if (delivery.finishedAt() > 0) {
                moments.add(new Moment(delivery.finishedAt(), "delivery settled", delivery.status().wire()));
            }
        }
        moments.sort(Comparator.comparingLong(Moment::at));
        return moments;
    }

    /** Dispatch attempts from the {@code a:<stage>@<region>} fields, in stage then region order. */
    public List<Attempt> attempts() {
        Map<String, Attempt> byId = new TreeMap<>();
        fields.forEach((k, v) -> {
            if (k.startsWith("a:")) {
                String id = k.substring(2);
                AttemptId parsed;
                try {
                    parsed = AttemptId.parse(id);
                } catch (RuntimeException e) {
                    return;
                }
                long epoch = parse(fields.get("ae:" + id));
                byId.put(id, new Attempt(id, parsed.stage(), parsed.anyRegion() ? "any" : parsed.region(), v,
                        epoch + 1, fields.get("ao:" + id), id.equals(fields.get("won_attempt")), tries(id)));
            }
        });
        return List.copyOf(byId.values());
    }

    /** What each finished try of an attempt got, in order (the {@code t:<attempt>:<epoch>} fields). */
    private List<String> tries(String attempt) {
        String prefix = "t:" + attempt + ":";
        Map<Long, String> byEpoch = new TreeMap<>();
        fields.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                byEpoch.put(parse(k.substring(prefix.length())), v);
            }
        });
        return List.copyOf(byEpoch.values());
    }

    /** Follow-up jobs it spawned ({@code on_success} / {@code on_failure}) and the job that spawned it. */
    public Map<String, String> relatives() {
        Map<String, String> out = new TreeMap<>();
        fields.forEach((k, v) -> {
            if (k.startsWith("spawned:")) {
                out.put(k.substring("spawned:".length()), v);
            }
        });
        if (fields.containsKey("parent_job_id")) {
            out.put("parent", fields.get("parent_job_id"));
        }
        return out;
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Something that happened, with its time (epoch ms). */
    public record Moment(long at, String what, String detail) {
    }

    /**
     * One dispatch attempt.
     *
     * @param id     {@code <stage>@<region>}
     * @param stage  0 = the job, n = its n-th fallback
     * @param region where it must run ({@code any} region, or one)
     * @param state  queued, dispatching, failed, done or rerouted
     * @param tries  1 + how often it was re-queued for a retry (its epoch)
     * @param owner  the worker running it, while dispatching
     * @param won    whether its answer is the job's outcome
     * @param outcomes what each finished try got, oldest first: an upstream status code or {@code error: ...}
     */
    public record Attempt(String id, int stage, String region, String state, long tries, String owner, boolean won,
                          List<String> outcomes) {
    }
}
