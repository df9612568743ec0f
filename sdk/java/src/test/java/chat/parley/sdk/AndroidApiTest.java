package chat.parley.sdk;

import static org.junit.jupiter.api.Assertions.*;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

/**
 * No Android toolchain runs here, so this reads the constant pool of every class in the jar and
 * checks each class and member it references against what Android API 21 has: an allow-list of
 * packages, then a deny-list of the classes and members those packages gained after API 21.
 */
class AndroidApiTest {
    /** Packages the jar may reference at all. */
    private static final List<String> ALLOWED = Arrays.asList(
            "chat/parley/sdk/", "okhttp3/", "okio/", "com/google/gson/",
            "java/lang/", "java/util/", "java/io/", "java/net/", "java/nio/charset/", "javax/net/ssl/");

    /** Classes and members under the allowed packages that Android 21 lacks (prefix match). */
    private static final List<String> DENIED = Arrays.asList(
            "java/net/http/", "java/lang/invoke/StringConcatFactory", "java/lang/invoke/VarHandle",
            "java/lang/invoke/MethodHandles$Lookup", "java/lang/reflect/Parameter",
            "java/util/stream/", "java/util/function/", "java/util/Optional", "java/util/Base64",
            "java/util/concurrent/CompletableFuture", "java/util/concurrent/CompletionStage",
            "java/util/Spliterator", "java/util/StringJoiner", "java/util/SplittableRandom",
            "java/util/concurrent/atomic/LongAdder", "java/util/concurrent/atomic/DoubleAdder",
            "java/lang/FunctionalInterface",
            // default and static interface methods added in Java 8 (API 24 on Android)
            "java/lang/Iterable.forEach", "java/util/Collection.removeIf", "java/util/Collection.stream",
            "java/util/Collection.parallelStream", "java/util/Collection.spliterator", "java/util/List.sort",
            "java/util/List.replaceAll", "java/util/List.of", "java/util/Map.getOrDefault", "java/util/Map.forEach",
            "java/util/Map.putIfAbsent", "java/util/Map.computeIfAbsent", "java/util/Map.computeIfPresent",
            "java/util/Map.compute", "java/util/Map.merge", "java/util/Map.replaceAll", "java/util/Map.of",
            "java/util/Comparator.comparing", "java/util/Comparator.reversed", "java/util/Comparator.thenComparing",
            "java/util/Set.of",
            // static helpers added in Java 8
            "java/lang/String.join", "java/lang/Long.hashCode", "java/lang/Integer.hashCode",
            "java/lang/Boolean.hashCode", "java/lang/Double.hashCode", "java/lang/Long.sum", "java/lang/Integer.sum",
            "java/lang/Math.floorMod", "java/lang/Math.floorDiv", "java/lang/Math.addExact", "java/lang/Math.multiplyExact",
            "java/lang/Math.toIntExact", "java/util/Objects.requireNonNullElse", "java/util/Objects.isNull",
            "java/util/Objects.nonNull", "java/lang/Thread.onSpinWait", "java/lang/CharSequence.chars",
            "java/lang/String.chars", "java/lang/String.isBlank", "java/lang/String.strip", "java/lang/String.lines",
            "java/lang/String.repeat", "java/io/InputStream.transferTo", "java/io/InputStream.readAllBytes",
            "java/util/concurrent/ConcurrentHashMap.keySet", "java/util/concurrent/ConcurrentHashMap.newKeySet");

    /** Every class and member the jar's classes reference, as "pkg/Class" and "pkg/Class.member". */
    static TreeSet<String> references(String jar) throws IOException {
        TreeSet<String> refs = new TreeSet<>();
        try (JarFile jf = new JarFile(jar)) {
            Enumeration<JarEntry> es = jf.entries();
            while (es.hasMoreElements()) {
                JarEntry e = es.nextElement();
                if (!e.getName().endsWith(".class")) {
                    continue;
                }
                try (InputStream in = jf.getInputStream(e)) {
                    read(new DataInputStream(in), refs, e.getName());
                }
            }
        }
        return refs;
    }

    private static void read(DataInputStream in, TreeSet<String> refs, String name) throws IOException {
        assertEquals(0xCAFEBABE, in.readInt(), name);
        in.readUnsignedShort();
        int major = in.readUnsignedShort();
        assertTrue(major <= 52, name + " is class file version " + major + ", above Java 8 (52)");
        int n = in.readUnsignedShort();
        String[] utf = new String[n];
        int[] classIdx = new int[n];
        int[][] member = new int[n][];
        int[] nat = new int[n];
        for (int i = 1; i < n; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: utf[i] = in.readUTF(); break;
                case 3: case 4: in.readInt(); break;
                case 5: case 6: in.readLong(); i++; break;
                case 7: classIdx[i] = in.readUnsignedShort(); break;
                case 8: case 16: case 19: case 20: in.readUnsignedShort(); break;
                case 9: case 10: case 11: member[i] = new int[]{in.readUnsignedShort(), in.readUnsignedShort()}; break;
                case 12: nat[i] = in.readUnsignedShort(); in.readUnsignedShort(); break;
                case 15: in.readUnsignedByte(); in.readUnsignedShort(); break;
                case 17: case 18: in.readUnsignedShort(); in.readUnsignedShort(); break;
                default: throw new IOException(name + ": constant pool tag " + tag);
            }
        }
        for (int i = 1; i < n; i++) {
            if (classIdx[i] != 0) {
                String c = utf[classIdx[i]];
                refs.add(c.startsWith("[") ? c.replaceAll("^\\[+L?", "").replace(";", "") : c);
            }
            if (member[i] != null) {
                String owner = utf[classIdx[member[i][0]]];
                refs.add(owner + "." + utf[nat[member[i][1]]]);
            }
        }
        // descriptors name classes too (fields, parameters): catch java/time et al. there as well
        for (String s : utf) {
            if (s == null) {
                continue;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("L([a-zA-Z0-9_/$]+);").matcher(s);
            while (m.find()) {
                refs.add(m.group(1));
            }
        }
    }

    private static boolean primitive(String ref) {
        return ref.length() == 1 && "BCDFIJSZV".contains(ref);
    }

    @Test
    void jarReferencesOnlyApisAndroid21Has() throws IOException {
        String jar = System.getProperty("parley.jar");
        assertNotNull(jar, "run through build.sh: -Dparley.jar names the jar");
        TreeSet<String> refs = references(jar);
        assertTrue(refs.contains("okhttp3/WebSocket"), "the scan sees the jar's references");
        List<String> bad = new ArrayList<>();
        for (String r : refs) {
            if (primitive(r)) {
                continue;
            }
            boolean allowed = false;
            for (String p : ALLOWED) {
                allowed |= r.startsWith(p);
            }
            for (String d : DENIED) {
                if (r.startsWith(d)) {
                    allowed = false;
                }
            }
            if (!allowed) {
                bad.add(r);
            }
        }
        assertEquals(new ArrayList<String>(), bad, "references Android 21 lacks");
    }

    /** The check itself: a class using java.time and streams is caught. */
    @Test
    void theCheckCatchesJava8OnlyApis() {
        List<String> caught = new ArrayList<>();
        for (String r : Arrays.asList("java/time/Instant", "java/util/stream/Stream", "java/util/Map.getOrDefault",
                "java/lang/String.join", "java/util/ArrayList")) {
            boolean allowed = false;
            for (String p : ALLOWED) {
                allowed |= r.startsWith(p);
            }
            for (String d : DENIED) {
                if (r.startsWith(d)) {
                    allowed = false;
                }
            }
            if (!allowed) {
                caught.add(r);
            }
        }
        assertEquals(Arrays.asList("java/time/Instant", "java/util/stream/Stream", "java/util/Map.getOrDefault",
                "java/lang/String.join"), caught);
    }
}
