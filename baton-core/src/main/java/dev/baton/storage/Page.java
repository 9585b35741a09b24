package dev.baton.storage;

import java.util.List;

/** One page of results and the total count matching the query. */
public record Page<T>(List<T> items, long total) {
  public Page {
    items = List.copyOf(items);
  }
}
