package dev.baton.dashboard.http;

/** Answers one route. */
@FunctionalInterface
public interface Handler {
  HttpResponse handle(Call call);
}
