package io.marketmesh.node.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the compiled node: a file's room is its package, and the
 * packages form no cycle, so each can be read (and changed) knowing only the ones below it.
 */
class PackageRulesTest {

    private static JavaClasses node;

    @BeforeAll
    static void importNode() {
        node = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.marketmesh.node");
    }

    @Test
    void packagesFormNoCycle() {
        // Each package is its own slice (venue.kalshi apart from venue), so a cycle between a venue package and the
        // venue seam counts too.
        slices().matching("io.marketmesh.node.(**)").should().beFreeOfCycles().check(node);
    }

    @Test
    void theBookKnowsNoVenueNorAnyOutlet() {
        noClasses().that().resideInAPackage("io.marketmesh.node.market..")
                .should().dependOnClassesThat().resideInAnyPackage("io.marketmesh.node.venue..",
                        "io.marketmesh.node.connection..", "io.marketmesh.node.publish..", "io.marketmesh.node.api..",
                        "io.marketmesh.node.subscription..", "io.marketmesh.node.cluster..", "io.marketmesh.node.simulator..",
                        "io.marketmesh.node.stream..")
                .check(node);
    }

    @Test
    void venuePackagesOnlyTranslateWireFormats() {
        noClasses().that().resideInAPackage("io.marketmesh.node.venue..")
                .and().resideOutsideOfPackage("io.marketmesh.node.venue.registry..")
                .should().dependOnClassesThat().resideInAnyPackage("io.marketmesh.node.market..",
                        "io.marketmesh.node.connection..", "io.marketmesh.node.publish..", "io.marketmesh.node.api..",
                        "io.marketmesh.node.subscription..", "io.marketmesh.node.cluster..")
                .check(node);
    }

    @Test
    void instrumentsKnowMarketsButNoVenueNorOutlet() {
        noClasses().that().resideInAPackage("io.marketmesh.node.instrument..")
                .should().dependOnClassesThat().resideInAnyPackage("io.marketmesh.node.venue..",
                        "io.marketmesh.node.connection..", "io.marketmesh.node.publish..", "io.marketmesh.node.api..",
                        "io.marketmesh.node.stream..", "io.marketmesh.node.simulator..")
                .check(node);
    }

    @Test
    void theApiOnlyAsksActors() {
        noClasses().that().resideInAPackage("io.marketmesh.node.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.marketmesh.node.publish..",
                        "io.marketmesh.node.simulator..", "io.marketmesh.node.venue.kalshi..",
                        "io.marketmesh.node.venue.polymarket..")
                .check(node);
    }

    @Test
    void theSerializationMarkerIsALeafAndTheGuardianTheTop() {
        noClasses().that().resideInAPackage("io.marketmesh.node.serialization..")
                .should().dependOnClassesThat().resideInAPackage("io.marketmesh.node..")
                .andShould().dependOnClassesThat().resideOutsideOfPackages("io.marketmesh.node.serialization..", "java..")
                .check(node);
        noClasses().that().resideOutsideOfPackage("io.marketmesh.node")
                .should().dependOnClassesThat().resideInAPackage("io.marketmesh.node")
                .check(node);
    }
}
