package io.ezthrottle.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.PropertySource;

/** A worker: consumes the job stream, paces each destination, calls upstreams, publishes results. */
@SpringBootApplication
@ConfigurationPropertiesScan
@PropertySource("classpath:worker-service.properties")
public class WorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(WorkerApplication.class, args);
    }
}
