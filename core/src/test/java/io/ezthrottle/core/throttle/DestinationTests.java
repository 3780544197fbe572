package io.ezthrottle.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DestinationTests {

    @Test
    void hostIsLowerCased() {
        assertThat(Destination.of("https://API.Example.com/x")).isEqualTo("api.example.com");
    }

    @Test
    void nonDefaultPortIsKept() {
        assertThat(Destination.of("http://127.0.0.1:8080/x")).isEqualTo("127.0.0.1:8080");
        assertThat(Destination.of("https://a.com:80/")).isEqualTo("a.com:80");
        assertThat(Destination.of("http://a.com:443/")).isEqualTo("a.com:443");
    }

    @Test
    void defaultPortIsDropped() {
        assertThat(Destination.of("https://a.com:443/")).isEqualTo("a.com");
        assertThat(Destination.of("http://a.com:80/path?q=1")).isEqualTo("a.com");
    }
}
