# syntax=docker/dockerfile:1.7
#
# One image recipe for every EZThrottle service, chosen with SERVICE (api-service, worker-service,
# webhook-service or admin-ui). Built from the repository root:
#
#   docker build --build-arg SERVICE=worker-service -t ezthrottle/worker-service:0.1.0 .
#
# Stage 1 builds the service's executable jar (spring-boot-maven-plugin, classifier "exec", layers enabled) and
# extracts its layers; stage 2 copies them in order of how rarely they change (third-party dependencies, the
# Boot loader, snapshot dependencies, then our code), so a code change rebuilds and pushes only the last,
# small layer. The image runs as an unprivileged numeric user and writes nothing outside /tmp, which fits the
# Kubernetes manifests (runAsNonRoot, readOnlyRootFilesystem, an emptyDir on /tmp). Not built in CI: no
# container engine there (k8s/README.md).

ARG JAVA_VERSION=17

FROM maven:3.9-eclipse-temurin-${JAVA_VERSION} AS build
ARG SERVICE
RUN case "${SERVICE}" in \
      api-service|worker-service|webhook-service|admin-ui) ;; \
      *) echo "set --build-arg SERVICE=api-service|worker-service|webhook-service|admin-ui (got '${SERVICE}')" >&2; exit 1 ;; \
    esac
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds of the four images without putting it in any layer.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl "${SERVICE}" -am package -DskipTests \
 && cp "${SERVICE}"/target/"${SERVICE}"-*-exec.jar /tmp/app.jar
RUN java -Djarmode=tools -jar /tmp/app.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:${JAVA_VERSION}-jre
ARG SERVICE
LABEL org.opencontainers.image.title="ezthrottle-${SERVICE}"
RUN groupadd --system --gid 10001 ezthrottle \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin ezthrottle
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Numeric, so Kubernetes can verify runAsNonRoot without a passwd lookup.
USER 10001:10001
# api-service 8080, admin-ui 8081, worker-service 8082, webhook-service 8083 (SERVER_PORT overrides).
EXPOSE 8080 8081 8082 8083
# Heap from the container's memory limit. A default only: the Kubernetes ConfigMap (ezthrottle-config) sets
# JAVA_TOOL_OPTIONS and so replaces it; options on the command line would override the ConfigMap instead.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
