package dev.signalbox.dashboard;

import java.security.Principal;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@SpringBootTest(classes = DashboardMvcTests.App.class,
        properties = {"signalbox.dashboard.path=/ops/signalbox", "signalbox.dashboard.required-role=OPS"})
@AutoConfigureMockMvc
class DashboardRequiredRoleTests {

    @Autowired
    MockMvc mvc;

    private static RequestPostProcessor user(String... roles) {
        return request -> {
            Principal principal = () -> "alice";
            request.setUserPrincipal(principal);
            for (String role : roles) {
                request.addUserRole(role);
            }
            return request;
        };
    }

    @Test
    void anonymousCallersAreRefusedThePageAndItsData() throws Exception {
        mvc.perform(get("/ops/signalbox")).andExpect(status().isUnauthorized());
        mvc.perform(get("/ops/signalbox/stream")).andExpect(status().isUnauthorized());
        mvc.perform(get("/ops/signalbox/data")).andExpect(status().isUnauthorized());
    }

    @Test
    void usersWithoutTheRoleAreForbidden() throws Exception {
        mvc.perform(get("/ops/signalbox/data").with(user("DEV"))).andExpect(status().isForbidden());
    }

    @Test
    void usersWithTheRoleSeeThePageAtTheConfiguredPath() throws Exception {
        mvc.perform(get("/ops/signalbox").with(user("OPS"))).andExpect(status().isOk());
        mvc.perform(get("/ops/signalbox/data").with(user("OPS"))).andExpect(status().isOk());
        mvc.perform(get("/signalbox")).andExpect(status().isNotFound());
    }
}
