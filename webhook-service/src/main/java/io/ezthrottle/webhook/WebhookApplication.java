package io.ezthrottle.webhook;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.PropertySource;

/** The webhook dispatcher: delivers finished jobs' results, signed, to their webhooks. */
@SpringBootApplication
@ConfigurationPropertiesScan
@PropertySource("classpath:webhook-service.properties")
public class WebhookApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebhookApplication.class, args);
    }
}
