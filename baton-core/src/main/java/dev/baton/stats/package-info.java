/**
 * Outcome statistics for dashboards: {@link dev.baton.stats.StatsFilter} counts each applied
 * outcome per job type and minute in memory ({@link dev.baton.stats.OutcomeCounters}), and {@link
 * dev.baton.stats.StatsPlugin} adds the counts to a {@link dev.baton.storage.StatsStorage} once a
 * second and records the server's start and stop. {@link dev.baton.server.BatonServer} installs
 * both when its storage can keep statistics.
 */
package dev.baton.stats;
