package dev.signalbox.dashboard;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** With Spring Security present, the page and its stream go through the application's own rules. */
@SpringBootTest(classes = DashboardSecurityTests.SecuredApp.class)
@AutoConfigureMockMvc
class DashboardSecurityTests {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class SecuredApp {
        /** The README's example: operators only. */
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(auth -> auth
                            .requestMatchers("/signalbox", "/signalbox/**").hasRole("OPS")
                            .anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults())
                    .build();
        }
    }

    @Autowired
    MockMvc mvc;

    @Test
    void anonymousCallersGetNeitherThePageNorItsStream() throws Exception {
        mvc.perform(get("/signalbox")).andExpect(status().isUnauthorized());
        mvc.perform(get("/signalbox/stream")).andExpect(status().isUnauthorized());
        mvc.perform(get("/signalbox/assets/dashboard.js")).andExpect(status().isUnauthorized());
    }

    @Test
    void usersWithoutTheRoleAreForbidden() throws Exception {
        mvc.perform(get("/signalbox/data").with(user("dev").roles("DEV"))).andExpect(status().isForbidden());
    }

    @Test
    void operatorsSeeThePageAndTheStream() throws Exception {
        mvc.perform(get("/signalbox").with(user("ops").roles("OPS"))).andExpect(status().isOk());
        mvc.perform(get("/signalbox/stream").with(user("ops").roles("OPS"))).andExpect(request().asyncStarted());
    }

    @Test
    void nothingIsExemptedFromCsrfAndNothingWrites() throws Exception {
        mvc.perform(post("/signalbox/data").with(user("ops").roles("OPS"))).andExpect(status().isForbidden());
        mvc.perform(post("/signalbox/data").with(user("ops").roles("OPS")).with(csrf()))
                .andExpect(status().isMethodNotAllowed());
    }
}
