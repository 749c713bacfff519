package org.gner.model;

/** Where the model trained here and shipped with gner-spark lies. */
public final class ShippedModel {
    /** Its folder, relative to the project (or unpacked release) folder. */
    public static final String FOLDER = "models/gner-t5-mini";

    private ShippedModel() {}

    /** {@code <gner.home>/models/gner-t5-mini}; without the system property gner.home, relative to the working folder. */
    public static String path() {
        String home = System.getProperty("gner.home");
        return home == null ? FOLDER : home + "/" + FOLDER;
    }
}
