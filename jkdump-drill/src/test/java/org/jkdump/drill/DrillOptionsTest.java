package org.jkdump.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.jkdump.format.JkdumpException;
import org.junit.jupiter.api.Test;

class DrillOptionsTest {
    private static DrillOptions options(boolean compareMakedumpfile, String target) {
        return new DrillOptions("sysrq", "6.1", "1G", "256M", false, true, 900, Optional.empty(), false, compareMakedumpfile, false, target);
    }

    @Test
    void targetIsTheDiskUnlessSshIsAsked() {
        assertThat(new DrillOptions("sysrq", "6.1", "1G", "256M", false, true, 900, Optional.empty()).sshTarget()).isFalse();
        assertThat(options(false, "disk").sshTarget()).isFalse();
        assertThat(options(false, "ssh").sshTarget()).isTrue();
    }

    @Test
    void refusesATargetOtherThanDiskOrSsh() {
        assertThatThrownBy(() -> options(false, "nfs")).isInstanceOf(JkdumpException.class)
                .hasMessage("--target must be disk or ssh, not 'nfs'");
        assertThatThrownBy(() -> options(false, "SSH")).hasMessage("--target must be disk or ssh, not 'SSH'");
    }

    @Test
    void refusesTheMakedumpfileComparisonOverSshWhereThereIsNoOutputDisk() {
        assertThat(options(true, "disk").compareMakedumpfile()).isTrue();
        assertThatThrownBy(() -> options(true, "ssh"))
                .hasMessage("--compare-makedumpfile saves makedumpfile's dump on the guest's output disk: it needs --target disk");
    }
}
