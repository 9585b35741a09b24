/**
 * Recurring jobs: cron schedules with time zones, misfire and overlap policies, the {@link
 * dev.baton.recurring.RecurringJobs} API and the {@link dev.baton.recurring.RecurringPlugin} that
 * fires each occurrence once across all servers.
 */
package dev.baton.recurring;
