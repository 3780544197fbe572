package io.ezthrottle.core.egress;

import java.net.ConnectException;

/**
 * An outbound call refused by the {@link EgressPolicy}. It extends {@link ConnectException} so HTTP clients surface
 * it as a connection failure; the message is the human-readable reason a failed job reports.
 */
public class EgressDeniedException extends ConnectException {
    public EgressDeniedException(String message) {
        super(message);
    }
}
