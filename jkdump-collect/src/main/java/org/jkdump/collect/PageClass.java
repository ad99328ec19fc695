package org.jkdump.collect;

/**
 * Why a page frame is left out of a dump, in makedumpfile's report order. A frame falls in at
 * most one class: the first rule of {@link PageClassifier} that matches decides.
 */
public enum PageClass {
    ZERO("Pages filled with zero"),
    CACHE("Non-private cache pages"),
    CACHE_PRIVATE("Private cache pages"),
    USER("User process data pages"),
    FREE("Free pages"),
    HWPOISON("Hwpoison pages"),
    OFFLINE("Offline pages");

    private final String label;

    PageClass(String label) {
        this.label = label;
    }

    /** makedumpfile's label for the class in its final report. */
    public String label() {
        return label;
    }
}
