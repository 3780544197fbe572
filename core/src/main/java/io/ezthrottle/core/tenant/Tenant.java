package io.ezthrottle.core.tenant;

/**
 * A customer of the platform. Every job, secret and counter belongs to exactly one tenant.
 *
 * @param id        stable id ({@code cust_...})
 * @param name      display name
 * @param tier      plan tier
 * @param createdAt epoch ms
 */
public record Tenant(String id, String name, Tier tier, long createdAt) {
}
