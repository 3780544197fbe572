package io.ezthrottle.api;

import java.time.Clock;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The API with a {@link MovableClock}: for month boundaries, caps and their {@code Retry-After}. */
@Import(CalendarIntegrationSupport.ClockConfiguration.class)
abstract class CalendarIntegrationSupport extends ApiIntegrationSupport {

    @Autowired
    MovableClock clock;

    @TestConfiguration(proxyBeanMethods = false)
    static class ClockConfiguration {
        @Bean
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    /** Asserts the application runs on the movable clock (the platform's own Clock bean backed off). */
    void requireMovableClock(Clock applicationClock) {
        if (applicationClock != clock) {
            throw new IllegalStateException("the application does not use the test clock");
        }
    }
}
