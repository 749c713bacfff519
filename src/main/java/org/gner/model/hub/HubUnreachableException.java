package org.gner.model.hub;

import java.io.IOException;

/** The hub could not be reached at all (no network, DNS, refused connection, timeout). */
final class HubUnreachableException extends IOException {
    HubUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
