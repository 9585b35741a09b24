/**
 * {@link dev.baton.storage.memory.InMemoryStorage}: the whole storage SPI in the JVM's memory, for
 * tests, development and the inline mode. One lock makes every operation atomic; listeners are
 * called after it is released, so a release of a permit or a new job wakes a waiting server at
 * once. Jobs are lost when the JVM stops.
 *
 * <p>Inside: {@code JobTable} keeps the jobs and their indexes, {@code Transitions} the state
 * moves, {@code Admission} the claim and parked jobs, {@code ConcurrencyKeys}/{@code KeyLine} the
 * holders and FIFO lines per concurrency key.
 */
package dev.baton.storage.memory;
