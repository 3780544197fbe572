package io.ezthrottle.launcher;

import java.util.Arrays;

import io.ezthrottle.admin.AdminApplication;
import io.ezthrottle.api.ApiApplication;
import io.ezthrottle.webhook.WebhookApplication;
import io.ezthrottle.worker.WorkerApplication;
import org.springframework.boot.SpringApplication;

/**
 * Runs a single service from the all-in-one jar: {@code java -cp ezthrottle.jar io.ezthrottle.launcher.ServiceMain
 * worker --ezthrottle.region=iad}. Used to run replicas as separate processes (and by the crash tests).
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: ServiceMain api|worker|webhook|admin [--property=value ...]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        String port = System.getenv().getOrDefault("SERVER_PORT", "0");
        switch (args[0]) {
            case "api" -> Launcher.reactiveService(ApiApplication.class, Integer.parseInt(port), rest);
            case "worker" -> Launcher.reactiveService(WorkerApplication.class, Integer.parseInt(port), rest);
            case "webhook" -> Launcher.reactiveService(WebhookApplication.class, Integer.parseInt(port), rest);
            case "admin" -> SpringApplication.run(AdminApplication.class, rest);
            default -> {
                System.err.println("unknown service " + args[0]);
                System.exit(2);
            }
        }
    }
}
