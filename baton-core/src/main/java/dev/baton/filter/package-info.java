/**
 * Server-side filters, as in Hangfire: {@link dev.baton.filter.JobFilter} wraps a job's handler,
 * elects its outcome and observes what was applied. {@link dev.baton.filter.RetryFilter} (installed
 * by default) turns failures into retries with backoff.
 */
package dev.baton.filter;
