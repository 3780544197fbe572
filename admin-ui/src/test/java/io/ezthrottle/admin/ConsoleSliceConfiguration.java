package io.ezthrottle.admin;

import io.ezthrottle.admin.security.AdminSecurity;
import io.ezthrottle.core.config.CoreAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/**
 * What a {@code @WebMvcTest} of the console needs besides its controllers: the real core beans against the test
 * Redis, the security configuration, and the console's own components (stores, samplers). Nothing is mocked.
 */
@TestConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration(CoreAutoConfiguration.class)
@Import(AdminSecurity.class)
@EnableConfigurationProperties(AdminProperties.class)
@ComponentScan(basePackages = "io.ezthrottle.admin", useDefaultFilters = false,
        includeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = Component.class),
        excludeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION,
                classes = {SpringBootApplication.class, TestConfiguration.class}))
public class ConsoleSliceConfiguration {
}
