package dev.baton.filter;

/** The rest of the perform chain: the next filters, then the handler. */
@FunctionalInterface
public interface PerformChain {
  void proceed() throws Exception;
}
