/**
 * Baton: background jobs for Java. Users touch {@link dev.baton.client.BatonClient} to enqueue and
 * {@link dev.baton.server.BatonServer} to run; storages implement {@link
 * dev.baton.storage.JobStorage}.
 */
package dev.baton;
