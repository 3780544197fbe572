package io.ezthrottle.api.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description served at {@code /v3/api-docs} with Swagger UI at {@code /swagger-ui.html}. Tenant
 * endpoints take the API key as a Bearer token; {@code /admin/api/**} takes the admin credentials (HTTP Basic).
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    static final String API_KEY = "apiKey";
    static final String ADMIN = "admin";

    @Bean
    OpenAPI ezthrottleOpenApi() {
        return new OpenAPI()
                .info(new Info().title("EZThrottle API").version("v1").description("""
                        Submit outbound HTTP calls as jobs: they are queued, paced per destination domain and their \
                        results delivered to your webhooks, signed. Speaks the wire protocol of the official \
                        EZThrottle SDKs (`POST /api/v1/proxy`). Errors are JSON `{"error": ...}`; a 429 always \
                        carries an integer `Retry-After` header and `retry_at` (epoch ms)."""))
                .components(new Components()
                        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("A tenant's API key: `Authorization: Bearer <key>`"))
                        .addSecuritySchemes(ADMIN, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                                .description("EZTHROTTLE_ADMIN_USER / EZTHROTTLE_ADMIN_PASSWORD (admin API only)")))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY));
    }
}
