package dev.signalbox.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * IDE help for every property: each {@code @ConfigurationProperties} class of Signalbox's modules
 * (and of this sample), found by scanning {@code dev.signalbox}, has every one of its properties in
 * a {@code META-INF/spring-configuration-metadata.json} on the class path, each with a description
 * (the field's javadoc, written there by spring-boot-configuration-processor). The sample's class
 * path holds every module's jar, so one test sees them all.
 */
class ConfigurationMetadataTest {

    @Test
    void everyConfigurationPropertyOfEveryModuleIsInTheMetadataWithADescription() throws Exception {
        Map<String, String> described = metadata();
        List<Class<?>> propertyClasses = configurationPropertiesClasses();
        assertThat(propertyClasses).extracting(Class::getSimpleName)
                .contains("SignalboxProperties", "DashboardProperties", "SignalboxRedisProperties", "LoadProperties");

        Set<String> expected = new TreeSet<>();
        for (Class<?> type : propertyClasses) {
            ConfigurationProperties annotation = AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class);
            collect(type, annotation.prefix(), expected);
        }
        assertThat(expected).contains("signalbox.metrics.percentile-histogram", "signalbox.redis.lease",
                "signalbox.dashboard.required-role", "sample.load.calls-per-tick");
        List<String> missing = new ArrayList<>();
        List<String> undescribed = new ArrayList<>();
        for (String name : expected) {
            if (!described.containsKey(name)) {
                missing.add(name);
            } else if (described.get(name) == null || described.get(name).isBlank()) {
                undescribed.add(name);
            }
        }
        assertThat(missing).as("properties no metadata file lists (is spring-boot-configuration-processor "
                + "named in the module's annotationProcessorPaths?)").isEmpty();
        assertThat(undescribed).as("properties without a description (add javadoc to the field, "
                + "or @param to the record)").isEmpty();
    }

    /** Every property of every metadata file on the class path (Spring Boot's too: their names never clash), with its description. */
    private static Map<String, String> metadata() throws IOException {
        Map<String, String> described = new LinkedHashMap<>();
        ClassLoader loader = ConfigurationMetadataTest.class.getClassLoader();
        for (URL url : Collections.list(loader.getResources("META-INF/spring-configuration-metadata.json"))) {
            String json;
            try (InputStream in = url.openStream()) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<Map<String, Object>> properties = JsonPath.read(json, "$.properties");
            for (Map<String, Object> property : properties) {
                described.put((String) property.get("name"), (String) property.get("description"));
            }
        }
        return described;
    }

    private static List<Class<?>> configurationPropertiesClasses() throws ClassNotFoundException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<Class<?>> classes = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.signalbox")) {
            classes.add(ClassUtils.forName(candidate.getBeanClassName(), ConfigurationMetadataTest.class.getClassLoader()));
        }
        return classes;
    }

    /**
     * The property names the processor must list for {@code type} under {@code prefix}: a nested
     * settings class of the same project is descended into; anything else (simple values, enums,
     * collections, maps) is one property.
     */
    private static void collect(Class<?> type, String prefix, Set<String> names) {
        for (Map.Entry<String, Class<?>> property : properties(type).entrySet()) {
            String name = prefix + "." + kebab(property.getKey());
            Class<?> valueType = property.getValue();
            if (isNestedSettings(valueType)) {
                collect(valueType, name, names);
            } else {
                names.add(name);
            }
        }
    }

    private static Map<String, Class<?>> properties(Class<?> type) {
        Map<String, Class<?>> properties = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                properties.put(component.getName(), component.getType());
            }
            return properties;
        }
        for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
            boolean field = org.springframework.util.ReflectionUtils.findField(type, descriptor.getName()) != null;
            if (descriptor.getReadMethod() != null && field && !descriptor.getName().equals("class")) {
                properties.put(descriptor.getName(), descriptor.getPropertyType());
            }
        }
        return properties;
    }

    private static boolean isNestedSettings(Class<?> type) {
        return type.getName().startsWith("dev.signalbox.") && !type.isEnum() && !type.isInterface()
                && !Map.class.isAssignableFrom(type) && !Collection.class.isAssignableFrom(type);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
