package dev.baton.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.baton.BatonException;
import dev.baton.job.OptionalArg;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
  record Args(int n, String label) {}

  record Renamed(@JsonProperty("video_id") String videoId, @JsonAlias("size") int bytes) {}

  record Evolving(String image, @OptionalArg Integer quality, @OptionalArg int retries) {}

  record Empty() {}

  private final JsonCodec json = new JsonCodec();

  @Test
  void everyComponentIsRequiredAndEachMissingOneIsNamed() {
    assertThatThrownBy(() -> json.readArgs("{}", Args.class))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("required properties 'n' (int), 'label' (String)")
        .hasMessageContaining(Args.class.getName());
    assertThatThrownBy(() -> json.readArgs("{\"n\":1}", Args.class))
        .hasMessageContaining("required property 'label' (String)");
    assertThat(json.readArgs("{\"n\":1,\"label\":null}", Args.class))
        .as("an explicit null for an object is a value")
        .isEqualTo(new Args(1, null));
  }

  @Test
  void aPrimitiveCannotBeNull() {
    assertThatThrownBy(() -> json.readArgs("{\"n\":null,\"label\":\"x\"}", Args.class))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("required property 'n' (int)");
  }

  @Test
  void jsonNamesAndAliasesSatisfyAComponent() {
    assertThat(json.readArgs("{\"video_id\":\"v1\",\"size\":5}", Renamed.class))
        .isEqualTo(new Renamed("v1", 5));
    assertThatThrownBy(() -> json.readArgs("{\"videoId\":\"v1\",\"bytes\":5}", Renamed.class))
        .hasMessageContaining("required property 'video_id' (String)");
  }

  @Test
  void optionalComponentsMayBeMissingAndUnknownOnesAreIgnored() {
    assertThat(json.readArgs("{\"image\":\"a.png\",\"dropped\":1}", Evolving.class))
        .isEqualTo(new Evolving("a.png", null, 0));
    assertThat(json.readArgs("{}", Empty.class)).isEqualTo(new Empty());
  }

  @Test
  void nullIsOnlyForVoid() {
    assertThat(json.readArgs("null", Void.class)).isNull();
    assertThatThrownBy(() -> json.readArgs("null", Args.class))
        .isInstanceOf(BatonException.class)
        .hasMessageContaining("the arguments are null");
  }

  @Test
  void theLenientReaderStaysLenient() {
    assertThat(json.read("{}", Args.class)).isEqualTo(new Args(0, null));
  }
}
