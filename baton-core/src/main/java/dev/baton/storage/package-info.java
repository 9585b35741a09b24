/**
 * The storage SPI: {@link dev.baton.storage.JobStorage} (state transitions), {@link
 * dev.baton.storage.LockStorage} (locks for user code) and {@link dev.baton.storage.JobMonitor}
 * (read-only queries). Each operation is one atomic step; the conformance kit in {@code
 * baton-storage-tck} is the contract.
 */
package dev.baton.storage;
