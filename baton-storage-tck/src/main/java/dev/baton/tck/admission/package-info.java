/**
 * Suites for admission at claim time, at the SPI level: semaphores and mutexes (FIFO lines, no
 * barging, all-or-none, release in every way a holder leaves), rate limits, wait policies,
 * uniqueness under a stampede, and a multi-threaded hammer with an in-test ledger.
 */
package dev.baton.tck.admission;
