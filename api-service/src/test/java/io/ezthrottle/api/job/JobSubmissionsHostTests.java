package io.ezthrottle.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The log line's host is what {@link URI#getHost} would say, for every URL shape the payload parser lets in. */
class JobSubmissionsHostTests {

    @ParameterizedTest
    @ValueSource(strings = {"https://api.example.com/x", "https://api.example.com", "http://api.example.com:8080/x?y=1",
            "https://user:pw@api.example.com:443/a@b", "https://api.example.com?q=a:b", "https://api.example.com#f:1",
            "http://127.0.0.1:9/sub?i=1", "http://[::1]:8080/x", "http://[2001:db8::1]/", "HTTPS://Api.Example.COM/X"})
    void sameHostAsUri(String url) {
        assertThat(JobSubmissions.host(url)).isEqualTo(URI.create(url).getHost());
    }
}
