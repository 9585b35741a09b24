/**
 * Suites for every operation of the storage SPI, through the SPI only: no controllable clock (short
 * real durations and Awaitility instead), no assumption about how a storage is built. {@link
 * dev.baton.tck.spi.SpiSuite} and {@link dev.baton.tck.spi.TestJob} are the shorthand they share.
 */
package dev.baton.tck.spi;
