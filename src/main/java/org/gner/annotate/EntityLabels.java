package org.gner.annotate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/** Entity types as users give them: stripped, blanks dropped, duplicates dropped, order kept. */
public final class EntityLabels {
    private EntityLabels() {}

    /** {@code "person, organization,person"} to {@code [person, organization]}; an error when none is left. */
    public static List<String> parse(String commaSeparated) {
        return of(List.of(commaSeparated.split(",")));
    }

    /** The cleaned labels; an error when none is left. */
    public static List<String> of(Collection<String> labels) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String label : labels) {
            if (label != null && !label.isBlank()) {
                out.add(label.strip());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no entity type given (labels " + labels + ")");
        }
        return new ArrayList<>(out);
    }
}
