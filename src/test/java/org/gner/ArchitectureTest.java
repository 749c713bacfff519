package org.gner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package layering the package-info files describe, checked on the main classes: the pipeline
 * (data, prompt, model, generate, structure, metrics, train, report) below spark and cli, Spark only
 * in spark and cli, and inside model the contract below hub, weights, the architectures and load.
 */
@AnalyzeClasses(packages = "org.gner", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] CORE = {"org.gner.data..", "org.gner.prompt..", "org.gner.model..",
            "org.gner.generate..", "org.gner.structure..", "org.gner.metrics..", "org.gner.train..",
            "org.gner.report..", "org.gner.annotate.."};

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.gner.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule pipelineLayers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("data").definedBy("org.gner.data..")
            .layer("prompt").definedBy("org.gner.prompt..")
            .layer("model").definedBy("org.gner.model..")
            .layer("structure").definedBy("org.gner.structure..")
            .layer("metrics").definedBy("org.gner.metrics..")
            .layer("generate").definedBy("org.gner.generate..")
            .layer("train").definedBy("org.gner.train..")
            .layer("report").definedBy("org.gner.report..")
            .layer("annotate").definedBy("org.gner.annotate..")
            .layer("spark").definedBy("org.gner.spark..")
            .layer("cli").definedBy("org.gner.cli..")
            .whereLayer("data").mayNotAccessAnyLayer()
            .whereLayer("prompt").mayOnlyAccessLayers("data")
            .whereLayer("model").mayNotAccessAnyLayer()
            .whereLayer("structure").mayOnlyAccessLayers("data", "model")
            .whereLayer("metrics").mayOnlyAccessLayers("data", "structure")
            .whereLayer("generate").mayOnlyAccessLayers("data", "prompt", "model")
            .whereLayer("train").mayOnlyAccessLayers("data", "prompt", "model", "generate", "structure", "metrics")
            .whereLayer("report").mayOnlyAccessLayers("metrics")
            .whereLayer("annotate").mayOnlyAccessLayers("data", "prompt", "model", "generate", "structure", "metrics")
            .whereLayer("spark").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer();

    @ArchTest
    static final ArchRule coreHasNoSpark = noClasses().that().resideInAnyPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..");

    /** The Spark ML stage and the annotate jobs annotate through the one core annotator. */
    @ArchTest
    static final ArchRule annotationRunsOnTheCore = classes().that().haveFullyQualifiedName(
            "org.gner.spark.ml.AnnotatorPartitions").or().haveFullyQualifiedName("org.gner.spark.DocumentAnnotation")
            .should().dependOnClassesThat().haveFullyQualifiedName("org.gner.annotate.TextAnnotator");

    @ArchTest
    static final ArchRule contractBelowItsSubPackages = noClasses().that().resideInAPackage("org.gner.model")
            .should().dependOnClassesThat().resideInAnyPackage("org.gner.model.(*)..");

    @ArchTest
    static final ArchRule hubKnowsNoTensors = noClasses().that().resideInAPackage("org.gner.model.hub..")
            .should().dependOnClassesThat().resideInAnyPackage("org.gner.model.weights..", "org.gner.model.t5..",
                    "org.gner.model.llama..", "org.gner.model.load..", "ai.djl..");

    @ArchTest
    static final ArchRule weightsKnowNoHubOrArchitecture = noClasses()
            .that().resideInAPackage("org.gner.model.weights..")
            .should().dependOnClassesThat().resideInAnyPackage("org.gner.model.hub..", "org.gner.model.t5..",
                    "org.gner.model.llama..", "org.gner.model.load..");

    @ArchTest
    static final ArchRule t5KnowsNoHub = noClasses().that().resideInAPackage("org.gner.model.t5..")
            .should().dependOnClassesThat().resideInAnyPackage("org.gner.model.hub..", "org.gner.model.llama..",
                    "org.gner.model.load..");

    @ArchTest
    static final ArchRule llamaKnowsNoHub = noClasses().that().resideInAPackage("org.gner.model.llama..")
            .should().dependOnClassesThat().resideInAnyPackage("org.gner.model.hub..", "org.gner.model.t5..",
                    "org.gner.model.load..");
}
