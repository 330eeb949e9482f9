package dev.preflight.topology;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An IPv4 CIDR block such as {@code 10.20.0.0/16}, parsed strictly (no leading zeros, no spaces). */
record Cidr(long address, int prefix) {

    private static final Pattern FORM = Pattern.compile(
            "(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})/(0|[1-9]\\d?)");

    /** The block, or empty when the text is not an IPv4 CIDR (host bits may still be set: see {@link #hostBitsSet}). */
    static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                return Optional.empty();
            }
            address = (address << 8) | octet;
        }
        int prefix = Integer.parseInt(m.group(5));
        if (prefix > 32) {
            return Optional.empty();
        }
        return Optional.of(new Cidr(address, prefix));
    }

    private long mask() {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    long first() {
        return address & mask();
    }

    long last() {
        return first() | (~mask() & 0xFFFFFFFFL);
    }

    boolean hostBitsSet() {
        return first() != address;
    }

    /** The same prefix with the host bits cleared, e.g. 10.20.1.0/16 gives 10.20.0.0/16. */
    Cidr network() {
        return new Cidr(first(), prefix);
    }

    boolean contains(Cidr other) {
        return other.prefix >= prefix && other.first() >= first() && other.last() <= last();
    }

    boolean overlaps(Cidr other) {
        return first() <= other.last() && other.first() <= last();
    }

    @Override
    public String toString() {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "."
                + (address & 255) + "/" + prefix;
    }
}
