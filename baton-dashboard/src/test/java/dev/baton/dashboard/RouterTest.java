package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.dashboard.http.HttpResponse;
import dev.baton.dashboard.http.Route;
import dev.baton.dashboard.http.Router;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
  static final Router ROUTER =
      new Router(
          List.of(
              Route.get("/api/v1/jobs", c -> HttpResponse.json(200, "1")),
              Route.post("/api/v1/jobs/bulk", c -> HttpResponse.json(200, "2")),
              Route.get("/api/v1/jobs/{id}", c -> HttpResponse.json(200, "3")),
              Route.delete("/api/v1/jobs/{id}", c -> HttpResponse.json(200, "4")),
              Route.post("/api/v1/jobs/{id}/requeue", c -> HttpResponse.json(200, "5"))));

  @Test
  void matchesLiteralsAndParameters() {
    Router.Found found = (Router.Found) ROUTER.match("GET", "/api/v1/jobs/abc");
    assertThat(found.route().pattern()).isEqualTo("/api/v1/jobs/{id}");
    assertThat(found.params()).containsEntry("id", "abc");
    assertThat(((Router.Found) ROUTER.match("POST", "/api/v1/jobs/bulk")).route().pattern())
        .isEqualTo("/api/v1/jobs/bulk");
    assertThat(((Router.Found) ROUTER.match("POST", "/api/v1/jobs/a%20b/requeue")).params())
        .containsEntry("id", "a b");
    assertThat(ROUTER.match("GET", "/api/v1/jobs/")).isInstanceOf(Router.Found.class);
  }

  @Test
  void tellsMissingPathsFromWrongMethods() {
    assertThat(ROUTER.match("GET", "/api/v1/nope")).isInstanceOf(Router.NotFound.class);
    assertThat(ROUTER.match("GET", "/api/v1/jobs/x/y")).isInstanceOf(Router.NotFound.class);
    assertThat(ROUTER.match("GET", "/api/v1/jobs//requeue")).isInstanceOf(Router.NotFound.class);
    Router.WrongMethod wrong = (Router.WrongMethod) ROUTER.match("PUT", "/api/v1/jobs/x");
    assertThat(wrong.allowed()).containsExactly("DELETE", "GET", "HEAD");
  }

  @Test
  void headIsAnsweredByTheGetRoute() {
    Router.Found found = (Router.Found) ROUTER.match("HEAD", "/api/v1/jobs/abc");
    assertThat(found.route().method()).isEqualTo("GET");
    assertThat(ROUTER.match("HEAD", "/api/v1/jobs/x/requeue"))
        .isInstanceOf(Router.WrongMethod.class);
  }
}
