// Loads one ontology file with the OWL API (Debian libowlapi-java) and checks it against the OWL 2 DL profile.
// Prints one line per profile violation and per triple the parser could not turn into an axiom, then a summary
// line "violations=N unparsed=M axioms=K versionIRI=...". Exit 0 when both counts are zero, 1 otherwise, 2 on a
// load failure. Run with `java -cp '/usr/share/java/*' OwlDlProfile.java FILE` (single-file source launch).
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDlProfile {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: OwlDlProfile FILE");
            System.exit(2);
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // Never fetch anything: an owl:imports would be a missing import, not a download.
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setFollowRedirects(false);
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(new File(args[0])), config);
        } catch (Exception e) {
            System.out.println("load failed: " + e.getMessage().split("\n")[0]);
            System.exit(2);
            return;
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        int violations = 0;
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println("violation: " + v.getClass().getSimpleName() + ": " + v);
            violations++;
        }
        int unparsed = 0;
        var format = manager.getOntologyFormat(ontology);
        if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
            for (Object triple : format.getOntologyLoaderMetaData().get().getUnparsedTriples().toArray()) {
                System.out.println("unparsed: " + triple);
                unparsed++;
            }
        }
        String version = ontology.getOntologyID().getVersionIRI().map(Object::toString).orElse("none");
        System.out.println("violations=" + violations + " unparsed=" + unparsed + " axioms=" + ontology.getAxiomCount()
            + " versionIRI=" + version);
        System.exit(violations == 0 && unparsed == 0 ? 0 : 1);
    }
}
